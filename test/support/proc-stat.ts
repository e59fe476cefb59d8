/**
 * A process's CPU ticks from its `/proc/<pid>/stat` line (proc(5)): user and system time, its
 * own and that of the children it waited for, in clock ticks (a hundredth of a second on
 * Linux). The command's name, in parentheses, may hold spaces and parentheses itself: the
 * fields are read after its last `) `. Null for a line that is not one.
 */
export function cpuTicksOf(stat: string): { own: number; waited: number } | null {
  const end = stat.lastIndexOf(') ');
  if (end < 0) return null;
  // From field 3 (state) on: utime, stime, cutime and cstime are fields 14 to 17.
  const times = stat
    .slice(end + 2)
    .split(' ')
    .slice(11, 15)
    .map((field) => (/^-?\d+$/.test(field) ? Number(field) : Number.NaN));
  const [utime = Number.NaN, stime = Number.NaN, cutime = Number.NaN, cstime = Number.NaN] = times;
  if (![utime, stime, cutime, cstime].every(Number.isSafeInteger)) return null;
  return { own: utime + stime, waited: cutime + cstime };
}
