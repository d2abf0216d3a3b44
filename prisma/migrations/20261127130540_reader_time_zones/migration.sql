-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "timeZone" TEXT;

-- AlterTable
ALTER TABLE "ChatIdentity" ADD COLUMN     "timeZone" TEXT;

