import { ApiProperty } from '@nestjs/swagger';

export class TemplateButtonResponse {
  @ApiProperty({ example: 0, description: 'The index a send names in its button component' })
  index: number;

  @ApiProperty({ example: 'URL', description: 'URL, QUICK_REPLY, COPY_CODE, PHONE_NUMBER, OTP, FLOW, …' })
  type: string;

  @ApiProperty({ type: String, nullable: true, example: 'Track order' })
  text: string | null;

  @ApiProperty({ example: 1, description: 'Parameters a send must give this button' })
  parameterCount: number;
}

export class TemplateComponentResponse {
  @ApiProperty({ example: 'BODY', description: 'HEADER, BODY, FOOTER or BUTTONS' })
  type: string;

  @ApiProperty({ type: String, nullable: true, example: 'IMAGE', description: 'HEADER only: TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION' })
  format: string | null;

  @ApiProperty({ example: 2, description: "Parameters a send must give this component, counted from the template's text (a media header: 1)" })
  parameterCount: number;

  @ApiProperty({ type: [String], example: ['first_name'], description: 'NAMED templates: the parameter names' })
  parameterNames: string[];

  @ApiProperty({ type: [TemplateButtonResponse] })
  buttons: TemplateButtonResponse[];

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Hi {{1}}, our spring sale starts today!',
    description: 'HEADER (TEXT), BODY and FOOTER: the text with its placeholders (null for other components, or until the next sync)',
  })
  text: string | null;
}

export class ChannelTemplateResponse {
  @ApiProperty({ example: 'spring_sale' })
  name: string;

  @ApiProperty({ example: 'en' })
  language: string;

  @ApiProperty({ example: 'APPROVED', description: 'APPROVED, PENDING, REJECTED, PAUSED, DISABLED, …' })
  status: string;

  @ApiProperty({ type: String, nullable: true, example: 'MARKETING' })
  category: string | null;

  @ApiProperty({ example: 'POSITIONAL', enum: ['POSITIONAL', 'NAMED'] })
  parameterFormat: string;

  @ApiProperty({ type: [TemplateComponentResponse] })
  components: TemplateComponentResponse[];

  @ApiProperty({ format: 'date-time', description: 'When 360dialog last listed it' })
  syncedAt: string;
}

export class ChannelTemplateListResponse {
  @ApiProperty({ type: [ChannelTemplateResponse] })
  items: ChannelTemplateResponse[];

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Last sync of the whole registry (null: never)' })
  syncedAt: string | null;
}

export class TemplateSyncResponse {
  @ApiProperty({ example: 3, description: 'Templates new to the registry' })
  added: number;

  @ApiProperty({ example: 1, description: 'Templates whose status, category or parameters changed' })
  changed: number;

  @ApiProperty({ example: 0, description: 'Templates 360dialog no longer lists' })
  removed: number;

  @ApiProperty({ example: 12, description: 'Templates in the registry now' })
  total: number;

  @ApiProperty({ type: [String], description: 'Listed entries that could not be read, with why' })
  ignored: string[];

  @ApiProperty({ format: 'date-time' })
  syncedAt: string;
}
