// Every copy starts more copies of itself, forever; each copy asks for many V8 threads, which
// count against pids.max as processes do.
import { spawn } from 'child_process';
import { writeFileSync } from 'fs';

writeFileSync('/proc/self/comm', 'ADVM-fork-ts');
function more(): void {
  try {
    const child = spawn(process.execPath, ['--v8-pool-size=16', __filename, 'ADVM-fork-ts'],
                        { stdio: 'ignore' });
    child.on('error', () => {});
  } catch (e) {
    // out of processes: keep trying
  }
  setImmediate(more);
}
more();
