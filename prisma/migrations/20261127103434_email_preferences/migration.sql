-- CreateEnum
CREATE TYPE "EmailUpdates" AS ENUM ('AUTO', 'ALWAYS', 'CHAT_ONLY');

-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "emailUpdates" "EmailUpdates" NOT NULL DEFAULT 'AUTO';

-- CreateTable
CREATE TABLE "EmailOptOut" (
    "address" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "EmailOptOut_pkey" PRIMARY KEY ("address")
);

