-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "demo" BOOLEAN NOT NULL DEFAULT false;

