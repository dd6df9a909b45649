// The pool itself lives in Core/ (Storage runs it for every system); this module adds its monitor.
@_exported public import PoolMonitoringCore
