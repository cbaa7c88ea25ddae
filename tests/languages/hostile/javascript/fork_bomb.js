// Every copy starts more copies of itself, forever; each copy asks for many V8 threads, which
// count against pids.max as processes do.
const { spawn } = require('child_process');
require('fs').writeFileSync('/proc/self/comm', 'ADVM-fork-js');
function more() {
  try {
    const child = spawn(process.execPath, ['--v8-pool-size=16', __filename, 'ADVM-fork-js'],
                        { stdio: 'ignore' });
    child.on('error', () => {});
  } catch (e) {
    // out of processes: keep trying
  }
  setImmediate(more);
}
more();
