// A system declares its schema with StorageSchema's types; whoever applies it with Storage sees them too.
@_exported public import StorageSchema
