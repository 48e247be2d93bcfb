import selfsigned from 'selfsigned';

export interface LoopbackCertificate {
  /** PEM private key. */
  readonly key: string;
  /** PEM certificate, valid for 127.0.0.1 and localhost; also its own CA. */
  readonly cert: string;
}

let cached: Promise<LoopbackCertificate> | undefined;

/**
 * A self-signed certificate for the local HTTPS stand-ins, generated at start
 * (the Cosmos stand-in's bundled certificate expired in 2021). One per process.
 */
export function loopbackCertificate(): Promise<LoopbackCertificate> {
  cached ??= selfsigned
    .generate([{ name: 'commonName', value: '127.0.0.1' }], {
      notBeforeDate: new Date(Date.now() - 60_000),
      notAfterDate: new Date(Date.now() + 7 * 86_400_000),
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 7, ip: '127.0.0.1' },
            { type: 2, value: 'localhost' },
          ],
        },
      ],
    })
    .then((pems) => ({ key: pems.private, cert: pems.cert }));
  return cached;
}
