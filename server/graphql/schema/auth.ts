/** Users and API tokens (server/auth). */
export const authTypeDefs = /* GraphQL */ `
  enum Role {
    viewer
    developer
    operator
    admin
  }

  type User {
    id: Int!
    name: String!
    role: Role!
    createdAt: DateTime
    "Set when an admin disabled the user: their tokens are refused."
    disabledAt: DateTime
  }

  "An API token as its owner sees it: never the secret."
  type ApiToken {
    id: Int!
    user: String!
    name: String!
    "The first characters of the token, to tell tokens apart."
    prefix: String!
    createdAt: DateTime!
    lastUsedAt: DateTime
    expiresAt: DateTime
    revokedAt: DateTime
  }

  type CreatedToken {
    "Shown once; Vera stores only its hash."
    token: String!
    prefix: String!
    user: String!
    id: Int!
    expiresAt: DateTime
  }

  extend type Query {
    "The user the request acts as."
    me: User!
    users: [User!]!
    "Your API tokens; admins: another user's (user), or everyone's (all)."
    tokens(user: String, all: Boolean = false): [ApiToken!]!
  }

  extend type Mutation {
    createUser(name: String!, role: Role!): User!
    "A new API token for yourself, or (admins) for another user; it stops working at expiresAt."
    createToken(name: String!, user: String, expiresAt: DateTime): CreatedToken!
    "Revokes a token at once (your own; admins: anyone's)."
    revokeToken(id: Int!): ApiToken!
    "Disables a user: their tokens are refused from the next request on (admins)."
    disableUser(name: String!): User!
    "Enables a disabled user again (admins)."
    enableUser(name: String!): User!
  }
`;
