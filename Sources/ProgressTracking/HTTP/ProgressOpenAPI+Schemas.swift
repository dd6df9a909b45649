import APIDocumentation
import OpenAPIKit

extension ProgressOpenAPI {
    /// The schemas of the tracker's bodies (``ProgressReport`` and what it holds), each named after the system so
    /// they never collide with another system's in the server's merged document.
    static var schemas: OrderedDictionary<String, JSONSchema> {
        [
            "ProjectNumber": .string(
                description: "A project's number, 1–99, written with two digits: 01.",
                pattern: "^[0-9]{1,2}$"
            ),
            "ProgressDate": .string(format: .date, description: "A calendar date: 2025-01-06."),
            "ProgressProjectStatus": .string(allowedValues: ProjectStatus.allCases.map { AnyCodable($0.rawValue) }),
            "ProgressReport": .object(
                properties: [
                    "snapshot": .component("ProgressSnapshot"),
                    "pace": .component(
                        "ProgressPace",
                        required: false,
                        description: "Absent when the file has no Start Date."
                    ),
                ],
                additionalProperties: .a(false)
            ),
            "ProgressSnapshot": .object(
                properties: [
                    "title": .string(required: false, description: "The first # heading."),
                    "startDate": .component("ProgressDate", required: false),
                    "targetDate": .component("ProgressDate", required: false),
                    "lastUpdated": .component("ProgressDate", required: false),
                    "currentStatus": .string(description: "Not Started, In Progress or Completed, from the projects."),
                    "sections": .array(items: .component("ProgressSection")),
                    "totals": .component("ProgressTotals"),
                    "checklist": .array(items: .component("ProgressChecklistItem")),
                    "reflections": .array(items: .component("ProgressReflection")),
                    "warStories": .array(items: .string),
                    "blogPosts": .array(items: .string),
                    "repositories": .array(items: .string),
                    "insights": .array(items: .string),
                ],
                additionalProperties: .a(false)
            ),
            "ProgressProject": .object(
                properties: [
                    "number": .component("ProjectNumber"),
                    "name": .string,
                    "status": .component("ProgressProjectStatus"),
                    "startDate": .component("ProgressDate", required: false),
                    "endDate": .component("ProgressDate", required: false),
                    "notes": .string(description: "The Notes cell as written (Markdown)."),
                    "section": .string(description: "The title of the project's section."),
                    "line": .integer(description: "The row's line in the file.", minimum: (1, exclusive: false)),
                ],
                additionalProperties: .a(false)
            ),
            "ProgressSection": .object(
                properties: [
                    "title": .string,
                    "quarter": .integer(
                        required: false,
                        description: "1–4 for a quarter's section.",
                        maximum: (4, exclusive: false),
                        minimum: (1, exclusive: false)
                    ),
                    "isBonus": .boolean,
                    "projects": .array(items: .component("ProgressProject")),
                    "completed": .integer(minimum: (0, exclusive: false)),
                ],
                additionalProperties: .a(false)
            ),
            "ProgressTotals": .object(
                properties: [
                    "total": .integer(minimum: (0, exclusive: false)),
                    "completed": .integer(minimum: (0, exclusive: false)),
                    "inProgress": .integer(minimum: (0, exclusive: false)),
                    "notStarted": .integer(minimum: (0, exclusive: false)),
                    "skipped": .integer(minimum: (0, exclusive: false)),
                    "percentComplete": .integer(maximum: (100, exclusive: false), minimum: (0, exclusive: false)),
                ],
                additionalProperties: .a(false)
            ),
            "ProgressChecklistItem": .object(
                properties: [
                    "text": .string,
                    "checked": .boolean,
                    "group": .string(description: "The nearest heading above the item."),
                    "line": .integer(minimum: (1, exclusive: false)),
                ],
                additionalProperties: .a(false)
            ),
            "ProgressReflection": .object(
                properties: [
                    "month": .integer(maximum: (12, exclusive: false), minimum: (1, exclusive: false)),
                    "fields": .array(
                        items: .object(
                            properties: ["label": .string, "value": .string],
                            additionalProperties: .a(false)
                        )
                    ),
                ],
                additionalProperties: .a(false)
            ),
            "ProgressPace": .object(
                properties: [
                    "date": .component("ProgressDate"),
                    "startDate": .component("ProgressDate"),
                    "monthsElapsed": .number(
                        description: "Months since the start, clamped to 0–12.",
                        maximum: (12, exclusive: false),
                        minimum: (0, exclusive: false)
                    ),
                    "planned": .number(
                        description: "Projects the plan expects completed by the date.",
                        minimum: (0, exclusive: false)
                    ),
                    "completed": .integer(minimum: (0, exclusive: false)),
                    "projectsAhead": .integer(description: "Positive when ahead of the plan, negative when behind."),
                    "inProgress": .array(items: .component("ProgressProject")),
                    "next": .array(items: .component("ProgressProject")),
                ],
                additionalProperties: .a(false)
            ),
            "ProgressCompleteRequest": .object(
                description: "Options of complete; every field may be omitted (an empty body means none).",
                properties: [
                    "story": .string(required: false, description: "A war story, added under War Stories Collected."),
                    "repository": .string(
                        required: false,
                        description: "The repository URL, added under GitHub Repositories."
                    ),
                    "skills": .array(
                        required: false,
                        description: "Texts naming Skills Acquired items to tick.",
                        items: .string
                    ),
                    "force": .boolean(required: false, description: "Complete a project that was never started."),
                ]
            ),
        ]
    }
}
