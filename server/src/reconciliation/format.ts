// Small, locale-free formatting for explanations: the same inputs must give the same bytes.
export const kg = (n: number): string => `${n.toLocaleString('en-US')} kg`;
export const signedKg = (n: number): string => `${n >= 0 ? '+' : '−'}${Math.abs(n).toLocaleString('en-US')} kg`;
export const minutes = (ms: number): number => Math.round(ms / 60_000);
export const iso = (ms: number): string => new Date(ms).toISOString();
