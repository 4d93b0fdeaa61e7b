/**
 * Bosun's DNS server module: an authoritative-only DNS server over UDP and TCP whose answers come
 * from a resolver callback. The engine serves container names on each user network's gateway;
 * the cluster DNS reuses it with its own resolver.
 */
export { startDnsServer, type DnsServer, type DnsServerOptions, type DnsResolver, type DnsClient } from './server.js';
export { RRType, RCode, CLASS_IN, parseQuery, encodeResponse, FormatError, type Question, type Query, type RData, type ResourceRecord, type Response } from './message.js';
export { reverseName, parseReverseName } from './names.js';
