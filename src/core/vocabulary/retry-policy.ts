/**
 * HTTP statuses that a second try cannot change, for the app's client and the
 * sessions' alike: refusals (400, 401, 403 without a rate limit, 404, 410,
 * 451) and guarded writes that lost (405: a merge GitHub refuses; 409: a
 * conflict or a head that moved; 422: exists already, or a stale
 * `expected_head_sha`). The throttle still waits out a 403/429 that carries a
 * rate limit; 5xx and connection errors are retried, bounded.
 */
export const DO_NOT_RETRY: readonly number[] = [400, 401, 403, 404, 405, 409, 410, 422, 451];
