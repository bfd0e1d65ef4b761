/** The SimCam synthetic instrument (server/simcam). */
export const simcamTypeDefs = /* GraphQL */ `
  type SimCamSummary {
    visits: Int!
    detectors: Int!
    raws: Int!
    collections: [String!]!
  }

  extend type Mutation {
    "Generates the SimCam synthetic instrument's data: raws, truth, refcat, calibrations, skymap (operators)."
    generateSimCam(visits: Int = 12, bands: [String!] = ["g", "r", "i"], seed: Int = 1, detectorGrid: [Int!], detectorSizePx: Int): SimCamSummary!
  }
`;
