import Foundation

extension WebDriverSession {
    /// Signs the browser in to `server` the way a person does: opens the one-time link `mastery serve` printed,
    /// which sets the session cookie and lands on `/`.
    /// - Throws: When the server printed no link or the browser did not arrive signed in.
    public func signIn(to server: ServeProcess) async throws {
        try await navigate(to: try await server.signInURL())
        try await waitForDocumentReady()
        _ = try await waitUntil(script: "document.querySelector('meta[name=csrf-token]').content.length === 64")
    }
}
