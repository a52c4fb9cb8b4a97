// Integration tests wait on real brokers and databases: each gets a minute before Jest gives up.
jest.setTimeout(60_000);
