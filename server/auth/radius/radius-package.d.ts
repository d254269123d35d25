// The `radius` package ships no types; this declares the part of its API the hub uses.
declare module 'radius' {
  /** An attribute as encode() takes it: name or number, then a value or a vendor's list. */
  export type RadiusAttribute = [string | number, unknown, ...unknown[]];

  export interface DecodedPacket {
    code: string;
    identifier: number;
    length: number;
    authenticator: Buffer;
    attributes: Record<string, unknown>;
    raw_attributes: [number, Buffer][];
  }

  export interface EncodeArgs {
    code: string;
    secret: string;
    identifier?: number;
    authenticator?: Buffer;
    attributes?: RadiusAttribute[];
    add_message_authenticator?: boolean;
  }

  export interface RadiusApi {
    encode(args: EncodeArgs): Buffer;
    encode_response(args: {
      packet: DecodedPacket;
      code: string;
      secret: string;
      attributes?: RadiusAttribute[];
    }): Buffer;
    decode(args: { packet: Buffer; secret: string }): DecodedPacket;
    decode_without_secret(args: { packet: Buffer }): DecodedPacket;
    load_dictionaries(): void;
    load_dictionary(file: string): void;
    add_dictionary(file: string): void;
    attr_name_to_id(name: string, vendorId?: number | string): string | undefined;
    vendor_name_to_id(name: string): string | undefined;
  }

  const radius: RadiusApi;
  export default radius;
}
