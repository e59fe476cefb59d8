// A program the tools user runs to try the network, one way per mode; prints one line.
const net = require('node:net');
const http = require('node:http');
const dgram = require('node:dgram');
const [mode, a, b] = process.argv.slice(2);
const done = (line) => {
  process.stdout.write(`${line}\n`);
  process.exit(0);
};
setTimeout(() => done('timeout'), 5000);
const proxy = new URL(process.env.HTTPS_PROXY || 'http://127.0.0.1:1');
function readAll(socket, cb) {
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    text += chunk;
  });
  socket.on('end', () => cb(text));
  socket.on('error', (error) => done(`error ${error.code}`));
}
if (mode === 'proxy-connect') {
  const socket = net.connect(Number(proxy.port), proxy.hostname, () => {
    socket.write(`CONNECT ${a}:${b} HTTP/1.1\r\nHost: ${a}:${b}\r\n\r\n`);
  });
  let head = '';
  socket.setEncoding('utf8');
  const onData = (chunk) => {
    head += chunk;
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    const status = head.slice(0, head.indexOf('\r\n'));
    if (!/ 200 /.test(status)) return done(`refused ${status}`);
    socket.off('data', onData);
    socket.write(`GET / HTTP/1.1\r\nHost: ${a}\r\nConnection: close\r\n\r\n`);
    readAll(socket, (text) => done(`body ${text.slice(text.indexOf('\r\n\r\n') + 4)}`));
  };
  socket.on('data', onData);
  socket.on('error', (error) => done(`error ${error.code}`));
} else if (mode === 'proxy-get') {
  http
    .get(
      {
        host: proxy.hostname,
        port: Number(proxy.port),
        path: a,
        headers: { host: new URL(a).host },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () =>
          done(res.statusCode === 200 ? `body ${text}` : `refused ${res.statusCode}`),
        );
      },
    )
    .on('error', (error) => done(`error ${error.code}`));
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
