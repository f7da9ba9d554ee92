// Contracts of the payment service: HTTP bodies and the rows' public shapes.
export {};
