import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { SigningKeysService } from './signing-keys.service';

/** Operator: start signing with a new key; the old one verifies until its tokens expire. */
@Controller('v1/admin/signing-keys')
@UseGuards(AdminTokenGuard)
export class SigningKeysController {
  constructor(private readonly keys: SigningKeysService) {}

  @Post('rotate')
  @HttpCode(200)
  rotate(): Promise<{ kid: string; retired: string[] }> {
    return this.keys.rotate();
  }
}
