extension RedisConnection {
    /// `HELLO 3 [AUTH user password] [SETNAME name]`, falling back to RESP2 (`AUTH`, `CLIENT SETNAME`) when the server
    /// does not know `HELLO` or refuses protocol 3; then `SELECT`. Returns the protocol agreed on.
    func handshake() async throws -> ProtocolVersion {
        var version = ProtocolVersion.resp2
        var needsAuth = configuration.password != nil
        var needsName = configuration.clientName != nil
        if configuration.protocolVersion == .resp3 {
            var hello = RedisCommand("HELLO", "3")
            if let password = configuration.password {
                hello.append("AUTH")
                hello.append(configuration.username ?? "default")
                hello.append(password)
            }
            if let name = configuration.clientName {
                hello.append("SETNAME")
                hello.append(name)
            }
            do {
                try await send(hello)
                version = .resp3
                needsAuth = false
                needsName = false
            } catch let error as RedisError where error.code == .serverError {
                // An old server answers "ERR unknown command 'HELLO'" (echoing the arguments, password included:
                // the reply is dropped here), a server without RESP3 "NOPROTO". Anything else (WRONGPASS) is final.
                let code = error.serverCode
                let isUnknown = code == "ERR" && error.reply?.message.lowercased().contains("unknown command") == true
                guard code == "NOPROTO" || isUnknown else { throw error }
            }
        }
        var setup: [RedisCommand] = []
        if needsAuth, let password = configuration.password {
            setup.append(
                configuration.username.map { RedisCommand("AUTH", $0, password) } ?? RedisCommand("AUTH", password)
            )
        }
        if needsName, let name = configuration.clientName { setup.append(RedisCommand("CLIENT", "SETNAME", name)) }
        if configuration.database != 0 { setup.append(RedisCommand("SELECT", String(configuration.database))) }
        for result in await pipeline(setup) {
            if case .failure(let error) = result { throw error }
        }
        return version
    }
}
