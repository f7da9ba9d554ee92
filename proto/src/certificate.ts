// Contracts of the certificate service: HTTP bodies and the rows' public shapes.
export {};
