import GRDB

extension Migrations {
    /// What the locator has learnt of the store's radio (sensor gains, the building's
    /// path-loss exponent), kept across a restart. No device, pseudonym or address column: one
    /// row per sensor and radio, learnt from all the devices together.
    static func registerLearntRadio(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-learnt-radio") { db in
            // `sensor` is '' for the building's exponent.
            try db.execute(sql: """
                CREATE TABLE learnt_radio (
                    radio TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    sensor TEXT NOT NULL,
                    value DOUBLE NOT NULL,
                    devices DOUBLE NOT NULL,
                    basis TEXT NOT NULL,
                    saved_at DOUBLE NOT NULL,
                    PRIMARY KEY (radio, kind, sensor)
                ) WITHOUT ROWID
                """)
        }
        // What each gain's devices taught before it was shrunk by the sensors' spread
        // (`LearntRadioValue.spread`): NULL in rows an older version kept.
        migrator.registerMigration("v5-learnt-radio-spread") { db in
            try db.execute(sql: """
                ALTER TABLE learnt_radio ADD COLUMN mean DOUBLE;
                ALTER TABLE learnt_radio ADD COLUMN mean_square DOUBLE;
                ALTER TABLE learnt_radio ADD COLUMN places DOUBLE;
                """)
        }
    }
}
