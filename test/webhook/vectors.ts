/** The two test vectors of apis/basware.md §6, byte for byte. */
export const VECTOR_1 = {
  secret: 'whsec-test-4f1c2b9e7d6a5038',
  timestamp: '1710840499',
  body:
    '{"taskId":"eb9ea3fa-69de-4a5a-8a1a-f4347cd18626","taskStatus":"New","taskType":"AccountingDocuments",' +
    '"taskSubType":"WaitingForTransfer","documentId":"138e7d94997847aebe7432e521b3dac9","expirationTime":"2024-03-20T09:28:19Z"}',
  signature: 'sha256=29851406bd1a7d68e088e3377dcef4e83a138aabc9da153be7f3e1195aab5aa8',
  bodyOnlyHmac: 'aa47962f3cb281a0e88a1a5054053c4ad6df941d5eebbe5b832e9f5391268dea',
} as const;

export const VECTOR_2 = {
  secret: 'ad65rujltr9093ijhdkutiyua09döijhsa76d8799w8pqugdfafjdhfkjhadls',
  timestamp: '1710840500',
  body:
    '{"taskId":"0c2a6f4e-1b7d-4e8a-9c3f-5d6e7f8a9b0c","taskStatus":"New","taskType":"ConnectionTest","taskSubType":"All",' +
    '"documentId":"ConnectionTest"}',
  signature: 'sha256=903e5e8fcdb53bb9076cd3e6d10c63fc5346795bbcbef8559167af92807f0397',
  latin1KeyHmac: '14d2b3b0dc41c7621fcae74e6c8b872122f0c42db592fe4d04d9877d97766015',
} as const;
