/// Namespace for the migrations, one extension per concern.
enum Migrations {}
