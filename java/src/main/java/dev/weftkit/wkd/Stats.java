package dev.weftkit.wkd;

/**
 * Counters of a node (wkd_node_stats), as its loop published them after its
 * latest step. Member counts do not count the node itself.
 */
public record Stats(
    long packetsIn,
    long packetsOut,
    long bytesIn,
    long bytesOut,
    long streamsIn,
    long streamsOut,
    long dropsTotal,
    long dropsMalformed,
    long dropsDecrypt,
    long dropsChecksum,
    long dropsLabel,
    long dropsUnknownType,
    long dropsOversized,
    long dropsQueueFull,
    long dropsSocket,
    long probes,
    long probeFailures,
    long indirectProbes,
    long suspicions,
    long refutations,
    long pushPulls,
    long gossipMessages,
    long membersAlive,
    long membersSuspect,
    long membersFailed,
    long membersLeft,
    long healthScore,
    long incarnation) {}
