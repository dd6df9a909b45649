public import HTTPTypes
public import NIOCore

/// A response as the HTTP middleware keeps it in the cache: its head, its body, and the metadata that decides its
/// reuse (RFC 9111), in a compact binary form (no JSON on the hit path).
///
/// A `Vary` marker is stored at a URL's primary key when the origin's response varies: it names the request fields
/// that select the variant, which lives at the primary key plus those fields' values.
public struct StoredResponse: Sendable, Hashable {
    /// What an entry holds.
    public enum Content: Sendable, Hashable {
        /// A response.
        case response(status: Int, headers: HTTPFields, body: ByteBuffer, metadata: HTTPCacheMetadata)
        /// The request fields that select a variant.
        case vary([String])
    }

    /// What the entry holds.
    public var content: Content

    /// Creates a stored response.
    public init(_ content: Content) { self.content = content }

    static let magic: UInt8 = 0xCA
    static let version: UInt8 = 1

    /// The bytes to store.
    public func encoded() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(Self.magic)
        buffer.writeInteger(Self.version)
        switch content {
        case .vary(let names):
            buffer.writeInteger(UInt8(1))
            buffer.writeInteger(UInt16(names.count))
            for name in names { Self.write(name, to: &buffer) }
        case .response(let status, let headers, let body, let metadata):
            buffer.writeInteger(UInt8(0))
            buffer.writeInteger(UInt16(status))
            Self.write(metadata, to: &buffer)
            buffer.writeInteger(UInt16(headers.count))
            for field in headers {
                Self.write(field.name.rawName, to: &buffer)
                Self.write(field.value, to: &buffer)
            }
            buffer.writeInteger(UInt32(body.readableBytes))
            buffer.writeImmutableBuffer(body)
        }
        return buffer
    }

    /// Reads stored bytes; `nil` when they are not a stored response of this version (treated as a miss).
    public init?(decoding bytes: ByteBuffer) {
        var buffer = bytes
        guard buffer.readInteger(as: UInt8.self) == Self.magic, buffer.readInteger(as: UInt8.self) == Self.version,
            let kind = buffer.readInteger(as: UInt8.self)
        else { return nil }
        if kind == 1 {
            guard let count = buffer.readInteger(as: UInt16.self) else { return nil }
            var names: [String] = []
            for _ in 0..<count {
                guard let name = Self.readString(&buffer) else { return nil }
                names.append(name)
            }
            self.init(.vary(names))
            return
        }
        guard kind == 0, let status = buffer.readInteger(as: UInt16.self), let metadata = Self.readMetadata(&buffer),
            let count = buffer.readInteger(as: UInt16.self)
        else { return nil }
        var headers = HTTPFields()
        headers.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let name = Self.readString(&buffer), let value = Self.readString(&buffer),
                let fieldName = HTTPField.Name(name)
            else { return nil }
            headers.append(HTTPField(name: fieldName, value: value))
        }
        guard let length = buffer.readInteger(as: UInt32.self), let body = buffer.readSlice(length: Int(length)) else {
            return nil
        }
        self.init(.response(status: Int(status), headers: headers, body: body, metadata: metadata))
    }

    static func write(_ string: String, to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(string.utf8.count))
        buffer.writeString(string)
    }

    static func readString(_ buffer: inout ByteBuffer) -> String? {
        guard let length = buffer.readInteger(as: UInt32.self) else { return nil }
        return buffer.readString(length: Int(length))
    }

    static func write(_ optional: String?, to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(optional == nil ? 0 : 1))
        if let optional { write(optional, to: &buffer) }
    }

    static func readOptional(_ buffer: inout ByteBuffer) -> String?? {
        guard let present = buffer.readInteger(as: UInt8.self) else { return nil }
        return present == 0 ? .some(nil) : readString(&buffer).map { .some($0) }
    }

    static func write(_ metadata: HTTPCacheMetadata, to buffer: inout ByteBuffer) {
        buffer.writeInteger(metadata.requestTime.bitPattern)
        buffer.writeInteger(metadata.responseTime.bitPattern)
        buffer.writeInteger(metadata.date)
        buffer.writeInteger(metadata.ageValue)
        buffer.writeInteger(metadata.freshnessLifetime)
        buffer.writeInteger(metadata.staleWhileRevalidate ?? -1)
        buffer.writeInteger(metadata.staleIfError ?? -1)
        let flags: UInt8 =
            (metadata.isHeuristic ? 1 : 0) | (metadata.mustRevalidate ? 2 : 0) | (metadata.noCache ? 4 : 0)
        buffer.writeInteger(flags)
        write(metadata.entityTag, to: &buffer)
        write(metadata.lastModified, to: &buffer)
        buffer.writeInteger(UInt16(metadata.status))
        buffer.writeInteger(UInt16(metadata.varyFieldNames.count))
        for (name, value) in zip(metadata.varyFieldNames, metadata.varyValues) {
            write(name, to: &buffer)
            write(value, to: &buffer)
        }
    }

    static func readMetadata(_ buffer: inout ByteBuffer) -> HTTPCacheMetadata? {
        guard let requestTime = buffer.readInteger(as: UInt64.self),
            let responseTime = buffer.readInteger(as: UInt64.self),
            let date = buffer.readInteger(as: Int64.self), let age = buffer.readInteger(as: Int64.self),
            let lifetime = buffer.readInteger(as: Int64.self), let swr = buffer.readInteger(as: Int64.self),
            let sie = buffer.readInteger(as: Int64.self), let flags = buffer.readInteger(as: UInt8.self),
            let entityTag = readOptional(&buffer), let lastModified = readOptional(&buffer),
            let status = buffer.readInteger(as: UInt16.self), let count = buffer.readInteger(as: UInt16.self)
        else { return nil }
        var names: [String] = []
        var values: [String?] = []
        for _ in 0..<count {
            guard let name = readString(&buffer), let value = readOptional(&buffer) else { return nil }
            names.append(name)
            values.append(value)
        }
        return HTTPCacheMetadata(
            requestTime: Double(bitPattern: requestTime),
            responseTime: Double(bitPattern: responseTime),
            date: date,
            ageValue: age,
            freshnessLifetime: lifetime,
            isHeuristic: flags & 1 != 0,
            staleWhileRevalidate: swr < 0 ? nil : swr,
            staleIfError: sie < 0 ? nil : sie,
            mustRevalidate: flags & 2 != 0,
            noCache: flags & 4 != 0,
            entityTag: entityTag,
            lastModified: lastModified,
            status: Int(status),
            varyFieldNames: names,
            varyValues: values
        )
    }
}
