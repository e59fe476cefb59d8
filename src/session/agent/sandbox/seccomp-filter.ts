/**
 * The seccomp program bubblewrap loads into the sandbox (`bwrap --seccomp`):
 * a classic BPF filter, as `struct sock_filter[]`, for x86-64 and arm64.
 * What it refuses, and why:
 * - any other system call ABI (i386, x32, 32-bit arm): killed or EPERM, so no
 *   number below is reached another way;
 * - `unshare` and `clone` with CLONE_NEWUSER: EPERM. A user namespace would
 *   give the command capabilities inside it, and with them the kernel's mount
 *   and network code (the attack surface Ubuntu's AppArmor restriction guards);
 * - `clone3`: ENOSYS, as its flags sit behind a pointer no filter can read;
 *   glibc, Node, Python and Go then fall back to `clone` (Flatpak does the same);
 * - `keyctl`, `add_key`, `request_key`: kernel keyrings belong to a uid, not
 *   to a namespace, and would outlive the session;
 * - `io_uring_*`: a multiplexer of system calls a filter cannot see into;
 * - `ptrace`, `process_vm_readv`/`writev`: no reading or steering of another
 *   process of the tools user;
 * - `bpf`, `perf_event_open`, `userfaultfd`, `kexec_*`, module loading and the
 *   new mount API: nothing a tool needs, often in kernel exploits.
 */
export type SeccompArch = 'x64' | 'arm64';

/**
 * System calls added since Linux 5.1 (io_uring, the new mount API, `clone3`):
 * one number on every architecture (the kernel's syscall.tbl files).
 */
const UNIFIED = {
  io_uring_setup: 425,
  io_uring_enter: 426,
  io_uring_register: 427,
  open_tree: 428,
  move_mount: 429,
  fsopen: 430,
  fsconfig: 431,
  fsmount: 432,
  fspick: 433,
  clone3: 435,
  mount_setattr: 442,
};

/** AUDIT_ARCH_* of <linux/audit.h>, and the system call numbers (arm64 uses the generic table). */
const ARCHES: Record<SeccompArch, { audit: number; numbers: Record<string, number> }> = {
  x64: {
    audit: 0xc000003e,
    numbers: {
      ...UNIFIED,
      clone: 56,
      unshare: 272,
      keyctl: 250,
      add_key: 248,
      request_key: 249,
      ptrace: 101,
      process_vm_readv: 310,
      process_vm_writev: 311,
      bpf: 321,
      perf_event_open: 298,
      userfaultfd: 323,
      kexec_load: 246,
      kexec_file_load: 320,
      init_module: 175,
      finit_module: 313,
      delete_module: 176,
    },
  },
  arm64: {
    audit: 0xc00000b7,
    numbers: {
      ...UNIFIED,
      clone: 220,
      unshare: 97,
      keyctl: 219,
      add_key: 217,
      request_key: 218,
      ptrace: 117,
      process_vm_readv: 270,
      process_vm_writev: 271,
      bpf: 280,
      perf_event_open: 241,
      userfaultfd: 282,
      kexec_load: 104,
      kexec_file_load: 294,
      init_module: 105,
      finit_module: 273,
      delete_module: 106,
    },
  },
};

const REFUSED = [
  'keyctl',
  'add_key',
  'request_key',
  'io_uring_setup',
  'io_uring_enter',
  'io_uring_register',
  'ptrace',
  'process_vm_readv',
  'process_vm_writev',
  'bpf',
  'perf_event_open',
  'userfaultfd',
  'kexec_load',
  'kexec_file_load',
  'init_module',
  'finit_module',
  'delete_module',
  'open_tree',
  'move_mount',
  'fsopen',
  'fsconfig',
  'fsmount',
  'fspick',
  'mount_setattr',
];

const CLONE_NEWUSER = 0x10000000;
/** Set in x86-64's numbers of the x32 ABI. */
const X32_BIT = 0x40000000;
const RET_ALLOW = 0x7fff0000;
const RET_KILL_PROCESS = 0x80000000;
const EPERM = 1;
const ENOSYS = 38;
const retErrno = (errno: number) => 0x00050000 | errno;
// BPF_LD|BPF_W|BPF_ABS, BPF_JMP|BPF_JEQ|BPF_K, BPF_JMP|BPF_JGE|BPF_K, BPF_JMP|BPF_JSET|BPF_K, BPF_RET|BPF_K
const LD_W_ABS = 0x20;
const JEQ = 0x15;
const JGE = 0x35;
const JSET = 0x45;
const RET = 0x06;
/** Offsets in `struct seccomp_data`: nr, arch, args[0] (its low 32 bits; both arches are little-endian). */
const NR = 0;
const ARCH = 4;
const ARG0 = 16;

interface Instruction {
  code: number;
  k: number;
  /** Where to go when true / false: the next instruction (null) or a label. */
  yes: string | null;
  no: string | null;
}

/** The filter for `arch`, ready for `bwrap --seccomp FD`. */
export function seccompProgram(arch: SeccompArch): Buffer {
  const { audit, numbers } = ARCHES[arch];
  const nr = (name: string) => numbers[name] ?? Number.NaN;
  const program: Instruction[] = [];
  const labels = new Map<string, number>();
  const op = (code: number, k: number, yes: string | null = null, no: string | null = null) =>
    program.push({ code, k, yes, no });
  const label = (name: string) => labels.set(name, program.length);

  op(LD_W_ABS, ARCH);
  op(JEQ, audit, null, 'kill');
  op(LD_W_ABS, NR);
  if (arch === 'x64') op(JGE, X32_BIT, 'eperm');
  op(JEQ, nr('clone3'), 'enosys');
  op(JEQ, nr('unshare'), 'flags');
  op(JEQ, nr('clone'), 'flags');
  for (const name of REFUSED) op(JEQ, nr(name), 'eperm');
  op(RET, RET_ALLOW);
  label('flags');
  op(LD_W_ABS, ARG0);
  op(JSET, CLONE_NEWUSER, 'eperm');
  op(RET, RET_ALLOW);
  label('eperm');
  op(RET, retErrno(EPERM));
  label('enosys');
  op(RET, retErrno(ENOSYS));
  label('kill');
  op(RET, RET_KILL_PROCESS);
  return assemble(program, labels);
}

function assemble(program: Instruction[], labels: Map<string, number>): Buffer {
  const buffer = Buffer.alloc(program.length * 8);
  program.forEach(({ code, k, yes, no }, index) => {
    const offset = (target: string | null) => {
      if (target === null) return 0;
      const jump = (labels.get(target) ?? -1) - (index + 1);
      if (jump < 0 || jump > 255) throw new Error(`seccomp: no jump from ${index} to ${target}`);
      return jump;
    };
    if (Number.isNaN(k)) throw new Error(`seccomp: unknown system call at ${index}`);
    buffer.writeUInt16LE(code, index * 8);
    buffer.writeUInt8(offset(yes), index * 8 + 2);
    buffer.writeUInt8(offset(no), index * 8 + 3);
    buffer.writeUInt32LE(k >>> 0, index * 8 + 4);
  });
  return buffer;
}

/** The filter's architecture for this process's, or null where the sandbox has none. */
export function seccompArch(arch: string = process.arch): SeccompArch | null {
  return arch === 'x64' || arch === 'arm64' ? arch : null;
}
