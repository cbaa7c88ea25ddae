// stdin: a host file's path. Try to change it and to leave a marker file in every folder that
// is not the run's own; print each folder where a write succeeded.
const fs = require('fs');
const path = require('path');
function tryWrite(file, label) {
  try {
    fs.appendFileSync(file, 'ADVMARK\n');
    console.log('WROTE ' + label);
  } catch (e) {
    // refused, as it should be
  }
}
const victim = fs.readFileSync(0, 'utf8').trim();
tryWrite(victim, victim);
for (const d of [path.dirname(victim), '/', '/etc', '/usr/bin', '/usr/lib', '/root', '/home', '..',
                 '/proc/1/root', '/tmp']) {
  tryWrite(d + '/ADVMARK-write-js', d);
}
