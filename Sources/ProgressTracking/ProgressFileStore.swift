#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A progress file on disk, updated safely by several writers (CLI invocations, the server).
///
/// Every change runs under an exclusive `flock` on a separate lock file (`<file>.lock`), re-reads the file under the
/// lock, applies the change and replaces the file atomically (a temporary file in the same folder, `fsync`,
/// `rename`, then the folder is synced), keeping the file's permission bits (and its owner when allowed). So two
/// concurrent updaters never lose each other's change, a reader never sees half a file, and on any error the file is
/// byte-identical.
///
/// The calls block (on the lock and on disk): from async code run them off the cooperative pool, such as on
/// `NIOThreadPool`.
public struct ProgressFileStore: Sendable {
    /// The progress file's path.
    public let path: String

    /// The lock file's path: `<path>.lock`. It is created when needed and never removed (removing it would let two
    /// writers lock different files).
    public var lockPath: String { path + ".lock" }

    /// Creates a store for the file at `path`.
    public init(path: String) {
        self.path = path
    }

    /// Reads and parses the file (no lock needed: the file is always replaced whole).
    /// - Throws: ``ProgressError/Code/fileSystem`` when it cannot be read; ``ProgressError/Code/invalidDocument``.
    public func read() throws -> ProgressDocument {
        try ProgressDocument(data: try readBytes())
    }

    /// Applies `change` to the current file under the lock and writes the result atomically.
    ///
    /// `change` is called with the document as read under the lock; when it throws, or returns a document with the
    /// same bytes, the file is not written.
    /// - Returns: The document now in the file.
    /// - Throws: What `change` throws, ``ProgressError/Code/fileSystem``, or ``ProgressError/Code/invalidDocument``.
    @discardableResult
    public func update(_ change: (ProgressDocument) throws -> ProgressDocument) throws -> ProgressDocument {
        try withLock {
            guard let info = try POSIXFile.status(path) else {
                throw ProgressError(code: .fileSystem, message: "there is no progress file at \(path)")
            }
            let bytes = try readBytes()
            let updated = try change(try ProgressDocument(data: bytes))
            let newBytes = [UInt8](updated.data)
            if newBytes != bytes {
                try replace(with: newBytes, mode: info.mode & 0o7777, owner: (info.owner, info.group))
            }
            return updated
        }
    }

    /// Writes a new file, refusing to overwrite one that exists.
    /// - Parameters:
    ///   - document: The document to write, such as ``ProgressDocument/new(startingOn:)``.
    ///   - mode: The new file's permission bits.
    /// - Throws: ``ProgressError/Code/fileExists`` when the file exists; ``ProgressError/Code/fileSystem``.
    public func create(_ document: ProgressDocument, mode: UInt16 = 0o644) throws {
        try withLock {
            if try POSIXFile.status(path) != nil {
                throw ProgressError(code: .fileExists, message: "\(path) exists already; it was left as it is")
            }
            let temporary = try POSIXFile.writeTemporary(
                beside: path,
                [UInt8](document.data),
                mode: mode_t(mode),
                owner: nil
            )
            defer { unlink(temporary) }
            // link() fails if the file appeared meanwhile (a writer not using the lock): never overwrite.
            guard link(temporary, path) == 0 else {
                if errno == EEXIST {
                    throw ProgressError(code: .fileExists, message: "\(path) exists already; it was left as it is")
                }
                throw POSIXFile.error("cannot create", path)
            }
            POSIXFile.syncDirectory(of: path)
        }
    }

    // MARK: Internals

    private func withLock<T>(_ body: () throws -> T) throws -> T {
        let fd = try POSIXFile.openFile(lockPath, O_RDWR | O_CREAT, mode: 0o644)
        defer { close(fd) }  // closing the descriptor releases the lock
        try POSIXFile.lockExclusive(fd, path: lockPath)
        return try body()
    }

    private func readBytes() throws -> [UInt8] {
        let fd = try POSIXFile.openFile(path, O_RDONLY)
        defer { close(fd) }
        return try POSIXFile.readAll(fd, path: path)
    }

    private func replace(with bytes: [UInt8], mode: mode_t, owner: (uid_t, gid_t)) throws {
        let temporary = try POSIXFile.writeTemporary(beside: path, bytes, mode: mode, owner: owner)
        guard rename(temporary, path) == 0 else {
            let failure = POSIXFile.error("cannot replace", path)
            unlink(temporary)
            throw failure
        }
        POSIXFile.syncDirectory(of: path)
    }
}
