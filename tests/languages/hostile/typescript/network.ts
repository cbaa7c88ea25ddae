// stdin: the port of a listener on the host's loopback.
import { connect } from 'net';
import { readFileSync } from 'fs';

const port: number = Number(readFileSync(0, 'utf8').trim());
const socket = connect({ host: '127.0.0.1', port, timeout: 1000 });
socket.on('connect', () => { console.log('ADVMARK-NET-CONNECTED'); socket.destroy(); });
socket.on('timeout', () => { console.log('no connection: timeout'); socket.destroy(); });
socket.on('error', (e: Error) => console.log('no connection: ' + e.message));
