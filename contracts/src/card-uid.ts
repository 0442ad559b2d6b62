/**
 * A card identifier in lower-case hex: an IC card UID (4, 7 or 10 bytes, as
 * nfc-pcsc reports it) or a UHF windshield tag's EPC (96 bits = 24 hex, up to 128).
 */
export const CARD_UID_PATTERN = /^[0-9a-f]{8,32}$/;
export const CARD_UID_RULE = 'a card UID or UHF EPC: 4–16 bytes in lower-case hex';
