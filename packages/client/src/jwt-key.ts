// An RSA private key from PEM text for RS256 signing, with WebCrypto only (no Node built-ins),
// so it works the same in Node, Deno, Bun and browsers. It reads:
// - `PRIVATE KEY` (PKCS#8), as is;
// - `RSA PRIVATE KEY` (PKCS#1), wrapped into PKCS#8 (WebCrypto imports only PKCS#8);
// - `ENCRYPTED PRIVATE KEY` (PKCS#8 with PBES2: PBKDF2 with HMAC-SHA-1/256/384/512 and AES-CBC),
//   what Box's Developer Console and `openssl pkcs8 -topk8 -v2 aes-256-cbc` produce, decrypted
//   with the passphrase by WebCrypto's PBKDF2 and AES-CBC.
// Older encryptions (PBES1 with DES or RC2, and PEM `Proc-Type: 4,ENCRYPTED` with its MD5 key
// derivation) have no WebCrypto path: they are refused with the openssl line that converts them.
import { DocGenAuthError } from './auth-error.js';

const CONVERT = 'decrypt it first (openssl pkcs8 -in key.pem -out decrypted.pem) and pass the decrypted key';

/** An ASN.1 DER element: its tag, and its contents as a view into the buffer. */
interface Der {
  tag: number;
  body: Uint8Array;
  /** The whole element, header included. */
  all: Uint8Array;
}

function der(bytes: Uint8Array, at = 0): Der {
  const tag = bytes[at]!;
  let length = bytes[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n < 1 || n > 4) throw new Error('bad length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[start + i]!;
    start += n;
  }
  if (start + length > bytes.length) throw new Error('truncated');
  return { tag, body: bytes.subarray(start, start + length), all: bytes.subarray(at, start + length) };
}

/** The elements of a SEQUENCE. */
function children(seq: Der): Der[] {
  const out: Der[] = [];
  for (let at = 0; at < seq.body.length; ) {
    const el = der(seq.body, at);
    out.push(el);
    at += el.all.length;
  }
  return out;
}

/** A DER element from a tag and contents. */
function encode(tag: number, body: Uint8Array): Uint8Array {
  const n = body.length;
  const len =
    n < 0x80
      ? [n]
      : n < 0x100
        ? [0x81, n]
        : n < 0x10000
          ? [0x82, n >> 8, n & 255]
          : [0x83, n >> 16, (n >> 8) & 255, n & 255];
  const out = new Uint8Array(1 + len.length + n);
  out.set([tag, ...len]);
  out.set(body, 1 + len.length);
  return out;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

// Object identifiers (DER contents, hex) this file reads.
const OID = {
  pbes2: '2a864886f70d01050d',
  pbkdf2: '2a864886f70d01050c',
  rsaEncryption: '2a864886f70d010101',
};
const PRF: Record<string, string> = {
  '2a864886f70d0207': 'SHA-1',
  '2a864886f70d0209': 'SHA-256',
  '2a864886f70d020a': 'SHA-384',
  '2a864886f70d020b': 'SHA-512',
};
/** AES-CBC by key length: aes128-CBC, aes192-CBC, aes256-CBC. */
const AES_CBC: Record<string, number> = {
  '608648016503040102': 16,
  '608648016503040116': 24,
  '60864801650304012a': 32,
};

/** The base64 body of a PEM block, and its label. */
function pem(text: string): { label: string; bytes: Uint8Array; headers: string } {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) throw new DocGenAuthError('privateKey is not a PEM private key (-----BEGIN PRIVATE KEY----- …)');
  const [, label, inner] = m;
  const headers = inner!.includes(':') ? inner! : '';
  const b64 = inner!.replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, '');
  let binary: string;
  try {
    binary = atob(b64);
  } catch {
    throw new DocGenAuthError(`privateKey: the ${label} block is not valid base64`);
  }
  return { label: label!, bytes: Uint8Array.from(binary, (c) => c.charCodeAt(0)), headers };
}

/** PKCS#1 RSAPrivateKey wrapped as PKCS#8 PrivateKeyInfo: version 0, rsaEncryption with NULL parameters. */
function pkcs1ToPkcs8(pkcs1: Uint8Array): Uint8Array {
  const algorithm = encode(
    0x30,
    new Uint8Array([0x06, 0x09, ...OID.rsaEncryption.match(/../g)!.map((h) => parseInt(h, 16)), 0x05, 0x00]),
  );
  const parts = [new Uint8Array([0x02, 0x01, 0x00]), algorithm, encode(0x04, pkcs1)];
  const body = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    body.set(p, at);
    at += p.length;
  }
  return encode(0x30, body);
}

/** Decrypts an EncryptedPrivateKeyInfo encrypted with PBES2 (PBKDF2 + AES-CBC). */
async function decryptPkcs8(bytes: Uint8Array, passphrase: string): Promise<Uint8Array> {
  let salt: Uint8Array,
    iterations: number,
    hash: string | undefined,
    keyLength: number | undefined,
    iv: Uint8Array,
    data: Uint8Array;
  try {
    const [algorithm, encrypted] = children(der(bytes));
    const [oid, params] = children(algorithm!);
    if (hex(oid!.body) !== OID.pbes2)
      throw new DocGenAuthError(
        `privateKey is encrypted with an older scheme than PBES2, which WebCrypto cannot decrypt: ${CONVERT}`,
      );
    const [kdf, scheme] = children(params!);
    const [kdfOid, kdfParams] = children(kdf!);
    if (hex(kdfOid!.body) !== OID.pbkdf2)
      throw new DocGenAuthError(`privateKey's key derivation is not PBKDF2: ${CONVERT}`);
    const fields = children(kdfParams!);
    salt = fields[0]!.body;
    iterations = fields[1]!.body.reduce((n, b) => n * 256 + b, 0);
    // Optional keyLength (INTEGER) and prf (SEQUENCE; HMAC-SHA-1 when absent).
    for (const f of fields.slice(2)) {
      if (f.tag === 0x02) keyLength = f.body.reduce((n, b) => n * 256 + b, 0);
      else hash = PRF[hex(children(f)[0]!.body)] ?? 'unknown';
    }
    hash ??= 'SHA-1';
    const [cipherOid, ivEl] = children(scheme!);
    keyLength ??= AES_CBC[hex(cipherOid!.body)];
    if (!AES_CBC[hex(cipherOid!.body)] || hash === 'unknown')
      throw new DocGenAuthError(
        `privateKey is encrypted with a cipher or hash other than AES-CBC and SHA-1/2: ${CONVERT}`,
      );
    iv = ivEl!.body;
    data = encrypted!.body;
  } catch (error) {
    if (error instanceof DocGenAuthError) throw error;
    throw new DocGenAuthError('privateKey: the ENCRYPTED PRIVATE KEY block is not a valid PKCS#8 structure');
  }
  const { subtle } = crypto;
  const base = await subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveKey']);
  const key = await subtle.deriveKey(
    { name: 'PBKDF2', salt: salt as BufferSource, iterations, hash },
    base,
    { name: 'AES-CBC', length: keyLength! * 8 },
    false,
    ['decrypt'],
  );
  try {
    return new Uint8Array(await subtle.decrypt({ name: 'AES-CBC', iv: iv as BufferSource }, key, data as BufferSource));
  } catch {
    // A wrong passphrase shows as bad padding.
    throw new DocGenAuthError('privateKey could not be decrypted: the passphrase is wrong');
  }
}

const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** A CryptoKey that signs RS256, from PEM text (with its passphrase when encrypted) or a CryptoKey as is. */
export async function signingKey(privateKey: string | CryptoKey, passphrase?: string): Promise<CryptoKey> {
  if (typeof privateKey !== 'string') return privateKey;
  const { label, bytes, headers } = pem(privateKey);
  let pkcs8: Uint8Array;
  if (label === 'PRIVATE KEY') pkcs8 = bytes;
  else if (label === 'RSA PRIVATE KEY' && !/ENCRYPTED/.test(headers)) pkcs8 = pkcs1ToPkcs8(bytes);
  else if (label === 'ENCRYPTED PRIVATE KEY') {
    if (!passphrase) throw new DocGenAuthError('privateKey is encrypted: pass its passphrase');
    pkcs8 = await decryptPkcs8(bytes, passphrase);
  } else
    throw new DocGenAuthError(
      `privateKey: a ${label} block${headers ? ' with PEM encryption' : ''} cannot be read with WebCrypto: ${CONVERT}`,
    );
  try {
    return await crypto.subtle.importKey('pkcs8', pkcs8 as BufferSource, RS256, false, ['sign']);
  } catch {
    // About one wrong passphrase in 256 still ends in valid-looking padding: it decrypts to bytes
    // that are no key, so for an encrypted key the passphrase is the likely culprit.
    throw new DocGenAuthError(
      label === 'ENCRYPTED PRIVATE KEY'
        ? 'privateKey could not be decrypted: the passphrase is wrong (or the key is not an RSA key)'
        : 'privateKey is not an RSA private key WebCrypto can import',
    );
  }
}

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const json64 = (value: object) => b64url(new TextEncoder().encode(JSON.stringify(value)));

/** A compact JWS, RS256: header.claims.signature. */
export async function signJwt(
  key: CryptoKey,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
): Promise<string> {
  const input = `${json64({ alg: 'RS256', typ: 'JWT', ...header })}.${json64(claims)}`;
  const signature = await crypto.subtle.sign(RS256, key, new TextEncoder().encode(input));
  return `${input}.${b64url(new Uint8Array(signature))}`;
}
