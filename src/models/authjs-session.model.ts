import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** A database session of an Auth.js app (see /adapter), known by the SHA-256 of its token. */
export class AuthjsSession extends Model<InferAttributes<AuthjsSession>, InferCreationAttributes<AuthjsSession>> {
  declare sessionTokenHash: string;
  declare userId: number;
  declare expires: Date;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initialise(sequelize: Sequelize): void {
    AuthjsSession.init(
      {
        sessionTokenHash: { type: DataTypes.CHAR(64), primaryKey: true },
        userId: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
        expires: { type: DataTypes.DATE(3), allowNull: false },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'authjs_sessions', underscored: true },
    );
  }
}
