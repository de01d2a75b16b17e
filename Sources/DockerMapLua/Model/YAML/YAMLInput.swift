import Yams

/// Docker-Map's YAML files (`map/yaml.py`) read into an input tree, as PyYAML's `safe_load` with Docker-Map's `!path`
/// and `!path_lazy` tags reads them.
///
/// Scalars resolve by YAML 1.1 as PyYAML resolves them (`yes` is true, `017` is 15, `1:30` is 90, `1e3` is a string;
/// see `YAMLScalar`). Mappings keep the document's order and the type of their keys (`80: 80` has an integer key);
/// anchors, aliases and `<<` merge keys work as in PyYAML (an alias of a `!path_lazy` value is the same lazy value).
///
/// Deliberate differences from PyYAML: a key given twice in one mapping is an error (PyYAML keeps the last; keys
/// brought in by `<<` are still overridden by the mapping's own); timestamps stay text; `!!binary`, `!!set`,
/// `!!omap` and `!!pairs` are errors. Every error is a `config` error that starts with `<source>:<line>:<column>:`.
public enum YAMLInput {
    /// The document in `text` as an input tree; `.null` for an empty document.
    ///
    /// - Parameters:
    ///   - source: what errors name as the document (a file's path, or `<yaml>`).
    ///   - expansion: the environment and home directories `!path` and `!path_lazy` expand with; a `!path_lazy`
    ///     value expands when it is resolved, with this expansion.
    /// - Throws: `DMapError(.config)` for a syntax error, more than one document, an unknown tag, a value that does
    ///   not fit its tag, or a `!path` item that is not text.
    public static func parse(_ text: String, source: String, expansion: PathExpansion = .process) throws -> InputValue {
        let parser: Parser
        let root: Node?
        do {
            parser = try Parser(yaml: text, resolver: YAMLScalar.resolver)
            root = try parser.singleRoot()
        } catch let error as YamlError {
            throw syntaxError(error, source: source)
        }
        guard let root else { return .null }
        var builder = YAMLBuilder(source: source, expansion: expansion)
        // The parser keeps the anchors alive that the builder tells aliases apart by.
        return try withExtendedLifetime(parser) { try builder.value(of: root) }
    }

    /// Yams' error as `<source>:<line>:<column>: <problem> (<context> at <line>:<column>)`.
    static func syntaxError(_ error: YamlError, source: String) -> DMapError {
        func message(_ mark: Mark?, _ problem: String, _ context: YamlError.Context? = nil) -> DMapError {
            message(mark.map { ($0.line, $0.column) }, problem, context)
        }
        func message(
            _ position: (line: Int, column: Int)?, _ problem: String, _ context: YamlError.Context? = nil
        ) -> DMapError {
            var text = "\(source):\(position.map { "\($0.line):\($0.column): " } ?? " ")\(problem)"
            if let context { text += " (\(context.text) at \(context.mark.line):\(context.mark.column))" }
            return DMapError(.config, text)
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _):
            return message(mark, problem, context)
        case let .composer(context, problem, mark, _):
            // Yams gives "expected a single document in the stream" as the context, placed at 1:1.
            if let context, context.text.hasPrefix("expected a single document") {
                return message(mark, "\(context.text), \(problem)")
            }
            return message(mark, problem, context)
        case let .duplicatedKeysInMapping(duplicates, context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return message(context.mark, "a key is given more than once in one mapping: \(names)")
        case let .reader(problem, offset, _, yaml):
            return message(offset.map { position(ofCharacter: $0, in: yaml) }, problem)
        default:
            return message(nil as Mark?, "\(error)")
        }
    }

    /// The line and column (from 1, in characters) of the character at `offset`.
    private static func position(ofCharacter offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character.isNewline {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
