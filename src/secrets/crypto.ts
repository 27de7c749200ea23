/**
 * Authenticated encryption for what mlsync keeps at rest (cached tokens, the vault file):
 * AES-256-GCM with a fresh 12-byte IV per message. Layout of a sealed blob:
 *
 *   [1 byte version = 1][12 bytes IV][16 bytes GCM tag][ciphertext]
 *
 * Keys come from deriveKey (HKDF-SHA256 over high-entropy material such as client secrets) or
 * deriveKeyFromPassphrase (scrypt, for a human-chosen MLSYNC_MASTER_KEY).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scryptSync } from 'node:crypto';
import { EXIT } from '../exit-codes.js';
import { MlsyncError } from '../errors.js';

const FORMAT_VERSION = 1;
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;
/** Fixed HKDF salt: the material is already secret; the salt only separates mlsync from other HKDF users. */
const HKDF_SALT = Buffer.from('mlsync/hkdf-salt/v1', 'utf8');
/** scrypt cost (N = 2^15, r = 8, p = 1): about 100 ms and 32 MiB, once per run. */
export const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
export const PASSPHRASE_SALT_BYTES = 16;

/** A sealed blob that cannot be opened: wrong key, tampered, truncated, or an unknown format. */
export class SealedDataError extends MlsyncError {
  constructor(message: string) {
    super('SEALED_DATA_UNREADABLE', message, EXIT.CONFIG);
  }
}

function checkKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new RangeError(`An AES-256 key is ${KEY_BYTES} bytes, got ${key.length}`);
}

/** Encrypts and authenticates `plaintext`; `aad` (optional) is authenticated but not stored. */
export function seal(plaintext: Buffer, key: Buffer, aad?: Buffer): Buffer {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  if (aad) cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), ciphertext]);
}

/** Decrypts a blob made by seal with the same key (and aad); throws SealedDataError otherwise. */
export function open(sealed: Buffer, key: Buffer, aad?: Buffer): Buffer {
  checkKey(key);
  if (sealed.length < HEADER_BYTES) throw new SealedDataError('Encrypted data is truncated.');
  if (sealed[0] !== FORMAT_VERSION) {
    throw new SealedDataError(`Encrypted data has format version ${sealed[0]}; this mlsync reads version ${FORMAT_VERSION}.`);
  }
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, HEADER_BYTES);
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  if (aad) decipher.setAAD(aad);
  try {
    return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]);
  } catch {
    throw new SealedDataError('Encrypted data does not open with this key (another key was used, or the data was changed).');
  }
}

/**
 * A 256-bit key from high-entropy secret material (HKDF-SHA256). Each piece is length-prefixed so
 * ["ab", "c"] and ["a", "bc"] give different keys; `context` separates keys for different uses.
 */
export function deriveKey(material: string[], context: string): Buffer {
  const parts: Buffer[] = [];
  for (const piece of material) {
    const bytes = Buffer.from(piece, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  }
  return Buffer.from(hkdfSync('sha256', Buffer.concat(parts), HKDF_SALT, Buffer.from(context, 'utf8'), KEY_BYTES));
}

/** A 256-bit key from a passphrase a person chose (scrypt; store the salt beside the data). */
export function deriveKeyFromPassphrase(passphrase: string, salt: Buffer): Buffer {
  if (salt.length < PASSPHRASE_SALT_BYTES) throw new RangeError(`A passphrase salt is at least ${PASSPHRASE_SALT_BYTES} bytes`);
  return scryptSync(passphrase.normalize('NFC'), salt, KEY_BYTES, SCRYPT);
}
