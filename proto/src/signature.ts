// Contracts of the signature service: HTTP bodies and the rows' public shapes.
export {};
