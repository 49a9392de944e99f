/**
 * What an identity file (or a key variable, or a key command's output) holds, told from its bytes: age identity
 * text, an OpenSSH private key, or an age file encrypted with a passphrase (`age -p`, scrypt) that holds identity
 * text. Pure: the caller reads the bytes and passes the function that asks for a passphrase, if a person can answer.
 */
import { InvalidIdentityError } from "../errors.js";
import { parseIdentities, type Identity } from "./identities.js";
import {
  looksLikeSshPrivateKey,
  parseSshPrivateKey,
  SshKeyError,
  type SshPrivateKeyFile,
  type SshSecret,
} from "./ssh-keys.js";

/** Asks a person for a passphrase; `prompt` names the key's source. */
export type AskPassphrase = (prompt: string) => Promise<string>;

/**
 * An {@link AskPassphrase} looked up when a key first needs one: `get()` gives it, or `undefined` when nobody can be
 * asked. The CLI's tells by looking at the terminal, which costs node making process.stdin; most runs never ask.
 */
export class LazyAsk {
  constructor(readonly get: () => AskPassphrase | undefined) {}
}

/** Who answers a key's passphrase question: an asker, one looked up on first use, or nobody. */
export type PassphraseAsker = AskPassphrase | LazyAsk | undefined;

const AGE_BINARY = "age-encryption.org/v1\n";
const AGE_ARMOR = "-----BEGIN AGE ENCRYPTED FILE-----";

/**
 * The identities in a key file's bytes.
 *
 * @throws {@link InvalidIdentityError} naming `source` (and a line for age text), never any part of a key.
 */
export function parseKeyFile(bytes: Uint8Array, source: string, ask: PassphraseAsker): Identity[] {
  const head = Buffer.from(bytes.subarray(0, 64)).toString("latin1");
  if (head.startsWith(AGE_BINARY) || head.trimStart().startsWith(AGE_ARMOR))
    return [passphraseFile(bytes, source, ask)];
  const text = Buffer.from(bytes).toString("utf8");
  if (looksLikeSshPrivateKey(text)) return [sshIdentity(text, source, ask)];
  if (/^-----BEGIN [A-Z ]*PRIVATE KEY-----/m.test(text)) {
    throw new InvalidIdentityError(`invalid identity in ${source}: a PEM private key vaultfile cannot use`, {
      hint: "age takes OpenSSH ed25519 and RSA keys (`ssh-keygen -t ed25519`) and age keys (`vaultfile keygen`)",
    });
  }
  return parseIdentities(text, source);
}

/** Asks once per key and run, or explains that nobody can be asked. */
function askOnce(source: string, ask: PassphraseAsker): () => Promise<string> {
  let answer: Promise<string> | undefined;
  return () => {
    const asker = ask instanceof LazyAsk ? ask.get() : ask;
    if (!asker) {
      return Promise.reject(
        new InvalidIdentityError(`${source} is protected by a passphrase, and there is no terminal to ask for it`, {
          hint: "run the command on a terminal, or give a key without a passphrase (e.g. through VAULTFILE_AGE_KEY_CMD from a password manager)",
        }),
      );
    }
    answer ??= asker(`Passphrase for ${source}:`);
    return answer;
  };
}

/** An SSH private key: its public half now, the secret half when a stanza names the key (asking once if encrypted). */
export function sshIdentity(text: string, source: string, ask: PassphraseAsker): Identity {
  let file: SshPrivateKeyFile;
  try {
    file = parseSshPrivateKey(text);
  } catch (err) {
    throw sshError(err, source);
  }
  const passphrase = askOnce(source, ask);
  let secret: Promise<SshSecret> | undefined;
  const load = (): Promise<SshSecret> =>
    (secret ??= file.secret(passphrase).catch((err: unknown) => {
      secret = undefined;
      throw sshError(err, source);
    }));
  return {
    secret: "",
    kind: file.publicKey.type,
    source,
    ssh: { publicKey: file.publicKey, secret: load, encrypted: file.encrypted },
  };
}

function sshError(err: unknown, source: string): unknown {
  if (!(err instanceof SshKeyError))
    return err instanceof InvalidIdentityError ? err : new InvalidIdentityError(`invalid SSH identity in ${source}`);
  return new InvalidIdentityError(`invalid SSH identity in ${source}: ${err.message}`, {
    hint:
      err.message === "wrong passphrase"
        ? "run the command again and type the key's passphrase"
        : "age takes OpenSSH ed25519 and RSA private keys",
  });
}

/** An `age -p` file of identities: decrypted (asking for its passphrase once) only when its keys are needed. */
function passphraseFile(bytes: Uint8Array, source: string, ask: PassphraseAsker): Identity {
  const passphrase = askOnce(source, ask);
  let opened: Promise<Identity[]> | undefined;
  const open = async (): Promise<Identity[]> => {
    const { armor, Decrypter } = await import("age-encryption");
    const pass = await passphrase();
    let plain: Uint8Array;
    try {
      const text = Buffer.from(bytes).toString("latin1");
      const file = text.trimStart().startsWith(AGE_ARMOR) ? armor.decode(text) : bytes;
      const d = new Decrypter();
      d.addPassphrase(pass);
      plain = await d.decrypt(file);
    } catch {
      throw new InvalidIdentityError(
        `cannot open ${source}: wrong passphrase, or not a passphrase-protected key file`,
        {
          hint: "run the command again and type the passphrase the file was encrypted with (`age -p`)",
        },
      );
    }
    return parseKeyFile(plain, `${source} (decrypted)`, undefined);
  };
  return {
    secret: "",
    kind: "passphrase-file",
    source,
    expand: () =>
      (opened ??= open().catch((err: unknown) => {
        opened = undefined;
        throw err;
      })),
  };
}
