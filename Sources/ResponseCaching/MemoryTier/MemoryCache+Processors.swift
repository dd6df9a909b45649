#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension MemoryCache {
    /// The number of processors online, which sizes the default shard count.
    static var activeProcessorCount: Int {
        #if canImport(Darwin) || canImport(Glibc) || canImport(Musl)
        max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1)
        #else
        4
        #endif
    }
}
