// node's ssh2 library as a client of sftpd (NodeSsh2IT): a symlink, its readlink, and a large file read.
// argv: host port user privateKeyFile remoteDir; prints one JSON line with what it saw.
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const { Client } = require('ssh2');

const [host, port, username, keyFile, dir] = process.argv.slice(2);
const conn = new Client();
const fail = (what, err) => {
  console.log(JSON.stringify({ error: `${what}: ${err && err.message}` }));
  process.exit(1);
};
conn.on('error', (err) => fail('connection', err));
conn.on('ready', () => {
  conn.sftp((err, sftp) => {
    if (err) return fail('sftp', err);
    sftp.symlink('target.txt', `${dir}/link`, (err) => {
      if (err) return fail('symlink', err);
      sftp.readlink(`${dir}/link`, (err, target) => {
        if (err) return fail('readlink', err);
        const hash = crypto.createHash('sha256');
        // 'close' comes once the stream has closed its handle, after the last byte.
        sftp.createReadStream(`${dir}/big.bin`)
          .on('data', (chunk) => hash.update(chunk))
          .on('error', (err) => fail('read', err))
          .on('close', () => {
            console.log(JSON.stringify({
              readlink: target, sha256: hash.digest('hex'), maxReadLen: sftp._maxReadLen,
            }));
            conn.end();
          });
      });
    });
  });
}).connect({ host, port: Number(port), username, privateKey: fs.readFileSync(keyFile),
  hostVerifier: () => true, readyTimeout: 30000 });
