import { generateKeyPairSync } from 'node:crypto';

/** A GitHub App's private key for tests (PKCS#8 PEM), made once per test process. */
export const { privateKey: TEST_PRIVATE_KEY } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
