import APIDocumentation
import OpenAPIKit

/// What ``APIReferencePage``'s template shows, read off an OpenAPI document: plain dictionaries of strings (the
/// template escapes them), with a key left out rather than empty when the document says nothing.
struct APIReferenceModel {
    /// The document read.
    let document: OpenAPI.Document

    /// The order methods are listed in under one path.
    static let methodOrder: [OpenAPI.HttpMethod] = [.get, .post, .put, .patch, .delete, .head, .options, .trace]

    /// The operations tagged `tag`, in path order, each with its parameters, body and responses.
    func operations(taggedWith tag: String) -> [[String: Any]] {
        var result: [[String: Any]] = []
        for (path, entry) in document.paths {
            guard let item = document.components[entry] else { continue }
            let endpoints = item.endpoints.sorted { rank($0.method) < rank($1.method) }
            for endpoint in endpoints where endpoint.operation.tags?.contains(tag) == true {
                result.append(operation(endpoint.operation, method: endpoint.method, path: path, item: item))
            }
        }
        return result
    }

    /// Every component schema, with its fields when it is an object.
    func schemas() -> [[String: Any]] {
        document.components.schemas.map { key, schema in
            var entry: [String: Any] = ["schemaName": key.rawValue, "schemaAnchor": Self.anchor(schema: key.rawValue)]
            entry["schemaDescription"] = schema.description
            if let object = schema.objectContext, !object.properties.isEmpty {
                entry["hasProperties"] = true
                entry["properties"] = object.properties.map { name, property in
                    var field: [String: Any] = [
                        "propertyName": name, "propertyType": Self.type(property),
                        "propertyRequired": property.required,
                    ]
                    field["propertyDescription"] = property.description
                    return field
                }
                switch object.additionalProperties {
                case .a(false)?: entry["additionalText"] = "none allowed"
                case .b(let other)?: entry["additionalText"] = Self.text(other)
                default: break
                }
            } else {
                entry["hasProperties"] = false
                entry["schemaType"] = Self.type(schema)
            }
            return entry
        }
    }

    func rank(_ method: OpenAPI.HttpMethod) -> Int {
        Self.methodOrder.firstIndex(of: method) ?? Self.methodOrder.count
    }

    func operation(
        _ operation: OpenAPI.Operation,
        method: OpenAPI.HttpMethod,
        path: OpenAPI.Path,
        item: OpenAPI.PathItem
    )
        -> [String: Any]
    {
        var entry: [String: Any] = [
            "operationAnchor": Self.anchor("op-" + (operation.operationId ?? "\(method.rawValue)-\(path.rawValue)")),
            "method": method.rawValue.uppercased(),
            "methodClass": method.rawValue.lowercased(),
            "path": path.rawValue,
            "needsAdmin": operation.security?.contains { requirement in
                requirement.keys.contains { $0.name == SharedComponents.bearerSchemeName }
            } == true,
            "noCredentials": operation.security?.isEmpty == true,
        ]
        entry["operationSummary"] = operation.summary
        entry["operationDescription"] = operation.description
        let parameters = (item.parameters + operation.parameters).compactMap { document.components[$0] }
        entry["hasParameters"] = !parameters.isEmpty
        entry["parameters"] = parameters.map { parameter in
            var field: [String: Any] = [
                "parameterName": parameter.name,
                "parameterLocation": parameter.location.rawValue,
                "parameterRequired": parameter.required,
            ]
            field["parameterType"] = parameter.schemaOrContent.schemaValue.map(Self.type)
            field["parameterDescription"] = parameter.description
            return field
        }
        if let body = operation.requestBody.flatMap({ document.components[$0] }) {
            var request: [String: Any] = ["bodyRequired": body.required]
            if let content = body.content.first {
                request["bodyContentType"] = content.key.rawValue
                request["bodyType"] = content.value.b?.schema.map(Self.type)
            }
            entry["requestBody"] = request
        }
        let responses = operation.responses.sorted { $0.key.rawValue < $1.key.rawValue }
        entry["responses"] = responses.map { status, reference in
            var row: [String: Any] = [
                "status": status.rawValue, "statusClass": String(status.rawValue.prefix(1)) + "xx",
            ]
            if let response = document.components[reference] {
                // A reference may say what the response means at this operation.
                row["responseDescription"] = reference.a?.description ?? response.description
                if let headers = response.headers, !headers.isEmpty {
                    row["responseHeaders"] = headers.keys.joined(separator: ", ")
                }
                if let content = response.content.first {
                    row["responseContentType"] = content.key.rawValue
                    row["responseType"] = content.value.b?.schema.map(Self.type)
                }
            }
            return row
        }
        return entry
    }

    /// The anchor of a component schema's entry.
    static func anchor(schema name: String) -> String { anchor("schema-\(name)") }

    /// `text` as an element ID: ASCII letters, digits, `.`, `_` and `-` kept, anything else a `-` (IDs hold no
    /// spaces, quotes or markup, whatever a document names).
    static func anchor(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "-" })
    }

    /// A schema's type for the template: `typeText`, and `typeLink` when it names a component schema.
    static func type(_ schema: JSONSchema) -> [String: Any] {
        var link: String? = nil
        var entry: [String: Any] = ["typeText": text(schema, link: &link)]
        entry["typeLink"] = link
        return entry
    }

    /// A schema in words: `integer, 1 to 1000, default 100`, `array of Policy`, `string, one of: open, closed`.
    static func text(_ schema: JSONSchema) -> String {
        var link: String? = nil
        return text(schema, link: &link)
    }

    static func text(_ schema: JSONSchema, link: inout String?) -> String {
        var words: String
        var details: [String] = []
        switch schema.value {
        case .reference(let reference, _):
            let name = reference.name ?? reference.absoluteString
            if link == nil { link = anchor(schema: name) }
            words = name
        case .string(_, let string):
            words = schema.formatString.flatMap { $0.isEmpty ? nil : "string (\($0))" } ?? "string"
            if string.minLength > 0 || string.maxLength != nil {
                details.append("\(string.minLength) to \(string.maxLength.map(String.init) ?? "any") characters")
            }
            if let pattern = string.pattern { details.append("pattern \(pattern)") }
        case .integer(_, let integer):
            words = "integer"
            details += bounds(
                integer.minimum.map { ($0.value.description, $0.exclusive) },
                integer.maximum.map { ($0.value.description, $0.exclusive) }
            )
        case .number(_, let number):
            words = "number"
            details += bounds(
                number.minimum.map { (format(number: $0.value), $0.exclusive) },
                number.maximum.map { (format(number: $0.value), $0.exclusive) }
            )
        case .boolean:
            words = "boolean"
        case .object(_, let object):
            if object.properties.isEmpty, case .b(let values)? = object.additionalProperties {
                words = "object of \(text(values, link: &link)) by name"
            } else {
                words = "object"
            }
        case .array(_, let array):
            words = "array of " + (array.items.map { text($0, link: &link) } ?? "anything")
            if array.minItems > 0 || array.maxItems != nil {
                details.append("\(array.minItems) to \(array.maxItems.map(String.init) ?? "any") items")
            }
        case .all(let schemas, _):
            words = schemas.map { text($0, link: &link) }.joined(separator: " and ")
        case .one(let schemas, _), .any(let schemas, _):
            words = schemas.map { text($0, link: &link) }.joined(separator: " or ")
        case .not(let other, _):
            words = "not " + text(other, link: &link)
        case .null:
            words = "null"
        case .fragment:
            words = "any value"
        }
        if schema.nullable, !words.hasSuffix("null") { words += " or null" }
        if let values = schema.allowedValues, !values.isEmpty {
            details.append("one of: " + values.map(\.description).joined(separator: ", "))
        }
        if let value = schema.defaultValue { details.append("default \(value.description)") }
        return ([words] + details).joined(separator: ", ")
    }

    /// `1 to 1000`, `at least 1`, `more than 0`, `at most 1`.
    static func bounds(_ minimum: (String, Bool)?, _ maximum: (String, Bool)?) -> [String] {
        switch (minimum, maximum) {
        case let ((low, false)?, (high, false)?): ["\(low) to \(high)"]
        default:
            [
                minimum.map { $0.1 ? "more than \($0.0)" : "at least \($0.0)" },
                maximum.map { $0.1 ? "less than \($0.0)" : "at most \($0.0)" },
            ].compactMap { $0 }
        }
    }

    /// A bound without a needless `.0`.
    static func format(number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }
}
