import Testing

@testable import Storage

@Suite struct PostgresStatementsTests {
    @Test("splits on top-level semicolons and drops empty statements")
    func splitsStatements() {
        #expect(PostgresStatements.split("SELECT 1; SELECT 2;\n ; -- only a comment\n") == ["SELECT 1", "SELECT 2"])
        #expect(PostgresStatements.split("SELECT 1") == ["SELECT 1"])
        #expect(PostgresStatements.split("  \n-- nothing\n/* at all */").isEmpty)
    }

    @Test("ignores semicolons in strings, identifiers, comments and dollar quotes")
    func respectsQuoting() {
        let sql = """
            INSERT INTO t VALUES ('a;b', 'it''s;', E'esc\\';still');
            CREATE TABLE "we;ird" (id int); -- comment; here
            /* block; /* nested; */ still comment; */ SELECT 1;
            CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;
            DO $body$ BEGIN PERFORM 1; END $body$;
            SELECT $1, a$b FROM x
            """
        let statements = PostgresStatements.split(sql)
        #expect(statements.count == 6, "\(statements)")
        #expect(statements.first == "INSERT INTO t VALUES ('a;b', 'it''s;', E'esc\\';still')")
        #expect(statements[3].hasSuffix("LANGUAGE plpgsql"))
        #expect(statements[4] == "DO $body$ BEGIN PERFORM 1; END $body$")
        #expect(statements[5] == "SELECT $1, a$b FROM x")
    }

    @Test("finds the leading keyword after comments")
    func leadingKeyword() {
        #expect(PostgresStatements.leadingKeyword("-- c\n /* d */ commit") == "COMMIT")
        #expect(PostgresStatements.leadingKeyword("create table x (id int)") == "CREATE")
    }
}
