/**
 * The verdict marker a Baton review carries, `<!-- baton:verdict approve cost=0.1234 -->`.
 * One format for both sides: publish renders it, the app's adapter parses it,
 * so both re-use the pure implementation in core.
 */
export {
  type BatonVerdict,
  parseVerdictMarker,
  renderVerdictMarker,
} from '../../../core/sessions/verdict-marker.js';
