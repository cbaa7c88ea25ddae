// stdin: a host file's path. Try to change it and to leave a marker file in every folder that
// is not the run's own; print each folder where a write succeeded.
import { appendFileSync, readFileSync } from 'fs';
import { dirname } from 'path';

function tryWrite(file: string, label: string): void {
  try {
    appendFileSync(file, 'ADVMARK\n');
    console.log('WROTE ' + label);
  } catch (e) {
    // refused, as it should be
  }
}
const victim: string = readFileSync(0, 'utf8').trim();
tryWrite(victim, victim);
for (const d of [dirname(victim), '/', '/etc', '/usr/bin', '/usr/lib', '/root', '/home', '..',
                 '/proc/1/root', '/tmp']) {
  tryWrite(d + '/ADVMARK-write-ts', d);
}
