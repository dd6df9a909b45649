public import HTTPTypes

extension HTTPCachePolicy {
    /// Applies a 304 from the origin to a stored response (RFC 9111 §4.3.4): merges the header fields (see
    /// ``HTTPCacheValidation/updatedFields(stored:notModified:)``) and recomputes the metadata with the new
    /// request and response times. A 304 without `Date` gets one from `responseTime`.
    /// - Parameters:
    ///   - storedResponse: the stored response head.
    ///   - notModified: the origin's 304.
    ///   - request: the request the 304 answered (its `Vary` fields are recorded).
    ///   - requestTime: when the validation request was sent.
    ///   - responseTime: when the 304 was received.
    /// - Returns: the updated response head and its metadata.
    public func refreshed(
        storedResponse: HTTPResponse,
        notModified: HTTPResponse,
        request: HTTPRequest,
        requestTime: Double,
        responseTime: Double
    ) -> (response: HTTPResponse, metadata: HTTPCacheMetadata) {
        var update = notModified.headerFields
        if update[.date] == nil { update[.date] = HTTPCacheDate.format(Int64(responseTime)) }
        var response = storedResponse
        response.headerFields = HTTPCacheValidation.updatedFields(
            stored: storedResponse.headerFields,
            notModified: update
        )
        let metadata = self.metadata(
            request: request,
            response: response,
            requestTime: requestTime,
            responseTime: responseTime
        )
        return (response, metadata)
    }
}
