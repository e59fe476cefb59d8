// A program the model's commands run in the attack tests: tries each target and
// prints one line per target, "<target> REACHED <answer>" or "<target> BLOCKED (<why>)".
//   node reach-probe.cjs tcp:HOST:PORT udp:HOST:PORT unix:/path abstract:name ...
const net = require('node:net');
const dgram = require('node:dgram');

function stream(options) {
  return new Promise((resolve) => {
    const socket = net.connect(options);
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(answer ? `REACHED ${answer}` : 'BLOCKED (no answer in 2 s)');
    }, 2000);
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('connect', () => {
      answer = answer || '(connected)';
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer ? `REACHED ${answer.trim()}` : 'BLOCKED (closed)');
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      resolve(answer ? `REACHED ${answer.trim()}` : `BLOCKED (${error.code})`);
    });
  });
}

function datagram(host, port) {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    // A DNS query for example.com, so that a real resolver would answer too.
    const query = Buffer.from('abcd01000001000000000000076578616d706c6503636f6d0000010001', 'hex');
    const timer = setTimeout(() => {
      socket.close();
      resolve('BLOCKED (no answer in 2 s)');
    }, 2000);
    socket.on('message', (message) => {
      clearTimeout(timer);
      socket.close();
      resolve(`REACHED ${message.toString().trim()}`);
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      resolve(`BLOCKED (${error.code})`);
    });
    socket.send(query, port, host, (error) => {
      if (!error) return;
      clearTimeout(timer);
      socket.close();
      resolve(`BLOCKED (${error.code})`);
    });
  });
}

(async () => {
  for (const target of process.argv.slice(2)) {
    let result;
    if (target.startsWith('unix:')) result = await stream({ path: target.slice(5) });
    else if (target.startsWith('abstract:'))
      result = await stream({ path: `\0${target.slice(9)}` });
    else {
      const [kind, ...rest] = target.split(':');
      const port = Number(rest.pop());
      const host = rest.join(':').replace(/^\[|\]$/g, '');
      result = kind === 'udp' ? await datagram(host, port) : await stream({ host, port });
    }
    process.stdout.write(`${target} ${result}\n`);
  }
})();
