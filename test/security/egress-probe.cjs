// A program the model's commands run to try the network, one way per mode; prints one line.
//   proxy-tls HOST PORT SNI   CONNECT through HTTPS_PROXY, then a TLS ClientHello naming SNI ('-': none)
//   proxy-get URL HOST        plain HTTP through HTTP_PROXY, with that Host header
//   direct HOST PORT          a TCP connection of its own
//   udp HOST PORT             one datagram
const net = require('node:net');
const tls = require('node:tls');
const dgram = require('node:dgram');
const [mode, a, b, c] = process.argv.slice(2);
const done = (line) => {
  process.stdout.write(`${line}\n`);
  process.exit(0);
};
setTimeout(() => done('timeout'), 5000);
const proxy = new URL(process.env.HTTPS_PROXY || 'http://127.0.0.1:1');
function readAll(socket, cb) {
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk) => {
    text += chunk;
  });
  socket.on('close', () => cb(text));
  socket.on('error', (error) => done(`error ${error.code}`));
}
if (mode === 'proxy-tls') {
  const socket = net.connect(Number(proxy.port), proxy.hostname, () => {
    socket.write(`CONNECT ${a}:${b} HTTP/1.1\r\nHost: ${a}:${b}\r\n\r\n`);
  });
  let head = '';
  const onData = (chunk) => {
    head += chunk.toString('latin1');
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    const status = head.slice(0, head.indexOf('\r\n'));
    if (!/ 200 /.test(status)) return done(`refused ${status}`);
    socket.off('data', onData);
    // The stand-in server answers with plain text, which TLS takes as an error: what matters is what reached it.
    const secure = tls.connect({
      socket,
      servername: c === '-' ? '' : c,
      rejectUnauthorized: false,
    });
    secure.on('error', () => done('tunnel opened'));
    secure.on('close', () => done('tunnel opened'));
  };
  socket.on('data', onData);
  socket.on('error', (error) => done(`error ${error.code}`));
} else if (mode === 'proxy-get') {
  const socket = net.connect(Number(proxy.port), proxy.hostname, () => {
    socket.write(`GET ${a} HTTP/1.1\r\nHost: ${b}\r\nConnection: close\r\n\r\n`);
  });
  readAll(socket, (text) => {
    const status = text.slice(0, text.indexOf('\r\n'));
    done(
      / 200 /.test(status)
        ? `body ${text.slice(text.indexOf('\r\n\r\n') + 4)}`
        : `refused ${status}`,
    );
  });
} else if (mode === 'direct') {
  const socket = net.connect(Number(b), a, () => {
    socket.write(`GET / HTTP/1.1\r\nHost: ${a}\r\nConnection: close\r\n\r\n`);
  });
  readAll(socket, (text) => done(`body ${text.slice(text.indexOf('\r\n\r\n') + 4)}`));
} else if (mode === 'udp') {
  const socket = dgram.createSocket(a.includes(':') ? 'udp6' : 'udp4');
  socket.on('error', (error) => done(`error ${error.code}`));
  socket.send(Buffer.from('exfiltrated'), Number(b), a, (error) => {
    setTimeout(() => done(error ? `error ${error.code}` : 'sent'), 200);
  });
} else {
  done(`unknown mode ${mode}`);
}
