/** The fixed rules of our access tokens, in one place for issuing and verifying. */
export const TOKEN_ALGORITHM = 'EdDSA';
export const TOKEN_TYPE = 'at+jwt';
export const TOKEN_AUDIENCE = 'hris-gateway';
/** 15 minutes: the most the design allows. */
export const ACCESS_TOKEN_TTL_SECONDS = 900;
/** Tolerated difference between our clocks and a token's times. */
export const CLOCK_SKEW_SECONDS = 30;
