import ArgumentParser
import Foundation

/// Asks `footfall init`'s questions on standard output and reads the answers from standard
/// input, one a line. At a terminal a bad answer is explained and asked again; from a pipe or
/// a file (a script answering) it ends the command with the same one line as the option's
/// mistake, since the next line was meant for the next question.
struct Prompter {
    /// Named in the message for a missing answer, for its `--help`.
    var command: String
    var interactive = isatty(STDIN_FILENO) != 0

    /// One answer, parsed; end of input is a missing option.
    func ask<Answer>(_ question: String, option: String, example: String, parse: (String) throws -> Answer) throws -> Answer {
        while true {
            guard let line = prompt(question) else { throw missing(option, example: example) }
            do {
                return try parse(line)
            } catch let error as ValidationError {
                guard interactive else { throw CommandFailure(error.message) }
                printError("Error: \(error.message)")
            }
        }
    }

    /// Answers until a blank line (or the end of input), at least `minimum` of them; `parse`
    /// gets the answers accepted so far.
    func askList<Answer>(
        _ question: (Int) -> String, option: String, example: String, minimum: Int,
        parse: (String, [Answer]) throws -> Answer
    ) throws -> [Answer] {
        var answers: [Answer] = []
        while true {
            guard let line = prompt(question(answers.count + 1)) else {
                guard answers.count >= minimum else { throw missing(option, example: example) }
                return answers
            }
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                if answers.count >= minimum { return answers }
                if !interactive { throw missing(option, example: example) }
                printError("Error: at least \(minimum) needed, e.g. \(example)")
                continue
            }
            do {
                answers.append(try parse(line, answers))
            } catch let error as ValidationError {
                guard interactive else { throw CommandFailure(error.message) }
                printError("Error: \(error.message)")
            }
        }
    }

    private func prompt(_ question: String) -> String? {
        print("\(question): ", terminator: "")
        fflush(nil)  // every stream: the question shows before the answer is read
        guard let line = readLine() else {
            // The question's line ends here, not in whatever is printed next.
            print()
            return nil
        }
        if !interactive { print(line) }
        return line
    }

    private func missing(_ option: String, example: String) -> CommandFailure {
        CommandFailure("\(option) is missing; give it as an option (e.g. \(option) \(example); \(command) --help lists them) or answer the question")
    }
}
