// Contracts of the filing service: HTTP bodies and the rows' public shapes.
export {};
