// Contracts of the identity service: HTTP bodies and the rows' public shapes.
export {};
