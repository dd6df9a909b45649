// The connection pool (PoolMonitoring's core): `PostgresStorage.pool` is one, and the systems hold it.
@_exported public import PoolMonitoringCore
// A system declares its schema with StorageSchema's types; whoever applies it with Storage sees them too.
@_exported public import StorageSchema
