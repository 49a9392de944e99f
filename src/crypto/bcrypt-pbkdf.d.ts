/** Types for `bcrypt-pbkdf` (CommonJS, untyped): OpenBSD's bcrypt_pbkdf, as OpenSSH derives a key file's cipher key. */
declare module "bcrypt-pbkdf" {
  const bcrypt: {
    pbkdf(
      pass: Uint8Array,
      passlen: number,
      salt: Uint8Array,
      saltlen: number,
      key: Uint8Array,
      keylen: number,
      rounds: number,
    ): number;
  };
  export default bcrypt;
}
